#!/usr/bin/env bash
# Set up and run every test: lint, unit tests, notebooks (papermill), browser tests (Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
# The browser tests drive Debian's Chromium (Playwright cannot download browsers here); the PDF
# tests print with it and look at the pages with pdftoppm/pdftotext (poppler-utils); the drafts'
# DOCX is rendered to PDF by LibreOffice (Writer, no GUI); the team server's proxy
# (configurable-http-proxy) comes from npm.
bash scripts/debian-packages.sh /usr/bin/chromium=chromium pdftoppm=poppler-utils npm=npm \
  soffice=libreoffice-writer-nogui
[ -x .hub-proxy/node_modules/.bin/configurable-http-proxy ] || bash scripts/setup.sh test
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
