"""Starts the Kiln function runner for Python, kiln_runner.py beside this file.

A script is compiled at every start; a module imported from it can come precompiled from
__pycache__, which Kiln's image builder fills. See kiln_runner.py and docs/protocol.md.
"""

import kiln_runner

kiln_runner.main()
