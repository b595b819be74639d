"""Helpers the tests share: plain modules, imported as `from tests.support.<module> import …`.

The house rule: fixtures live in a conftest.py and are never imported; anything else a test
imports from outside its own file (functions, classes, constants) is a module here. Every folder
under tests/ is a package (it has an `__init__.py`), so `tests.support` imports the same way from
every test, under `pytest` and `python -m pytest` alike, and two test files may share a name in
different folders (tests/orders/test_job.py, tests/tracking/test_job.py).

- files: REPO, SHARED, REALDATA, `write`, and `replace_once` / `replace_all` for tests that edit a
  config or template before running it
- reporting: `Lines`, a reporter that keeps the log lines
- io_files: real .xlsx, .xls and .ods files written for the reader tests
- hostile_files: a team folder for hostile-input tests and the CLI run in-process
- faults: `toolkit run` as a process of its own, a small tmpfs, the user nobody, a silent server
- letters: a batch config with one `render_letters` job
- mail_files: real PNGs and an HTML report as the mail tests meet them
- mail_server: a real SMTP server on 127.0.0.1 (aiosmtpd)
- samples_reference: a plain-Python reading of the intake rules, for the sample-data tests
- browser: Debian's headless Chromium through Selenium (`Browser.view(page, width)`: the page's
  width against the screen's, console errors, characters drawn as boxes); the `browser` fixture
- report_pages: the daily and weekly reports and their mail, opened as a reader opens them
- fanout: a batch that runs per branch (`foreach`), for the fan-out and executor tests
- zh_scan: `english_words`, what a Chinese page, sheet, outbox or terminal summary must not show
"""
