import sys

from allegiance.cli import main

sys.exit(main())
