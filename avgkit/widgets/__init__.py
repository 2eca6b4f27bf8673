"""ipywidgets views over the avgkit core: thin, no rules; texts from the knowledge files.

    from avgkit.widgets import App
    App("samenwerking", Store(path), lang="nl", assessment_id="SW-001").widget
"""

from avgkit.widgets.app import KINDS, App

__all__ = ["KINDS", "App"]
