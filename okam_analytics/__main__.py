"""`python -m okam_analytics`: the command line."""

import sys

from okam_analytics.cli import main

if __name__ == "__main__":
    sys.exit(main())
