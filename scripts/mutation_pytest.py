"""The test command of a mutation run: pytest, where a mutant that breaks the import counts as caught.

mutmut 2.5.1 counts a mutant as killed only when the tests exit with status 1. A mutant that makes a module fail to
import (`MET, UNMET, UNKNOWN = None`) stops pytest at collection with status 2, which mutmut took for a survivor:
the suite did fail, so here it is status 1. Every other status is pytest's own.
"""

import sys

import pytest

if __name__ == "__main__":
    status = pytest.main(sys.argv[1:])
    sys.exit(1 if status == pytest.ExitCode.INTERRUPTED else int(status))
