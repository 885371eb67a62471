import sys

from npmdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
