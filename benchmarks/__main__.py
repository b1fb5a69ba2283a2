"""`python -m benchmarks`: measure the solver and the greedy baseline, write docs/performance.md."""

from benchmarks.run import main

raise SystemExit(main())
