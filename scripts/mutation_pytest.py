"""The test command of a mutation run: pytest, where a mutant that breaks the import counts as caught.

mutmut 2.5.1 counts a mutant as killed only when the tests exit with status 1. A mutant that makes a module fail to
import (`MET, UNMET, UNKNOWN = None`) stops pytest at collection (status 2) or at loading tests/conftest.py (status
4), which mutmut took for a survivor: the suite did fail, so here it is status 1. A run that collects no test stays
status 5, a pass status 0.
"""

import sys

import pytest

if __name__ == "__main__":
    status = pytest.main(sys.argv[1:])
    sys.exit(int(status) if status in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED) else 1)
