"""``python -m gridnode.hardware.sim``: serve a simulated bus on a pseudo-terminal."""

import sys

from gridnode.hardware.sim.serve import main

sys.exit(main())
