import sys

from avgkit.cli import main

sys.exit(main())
