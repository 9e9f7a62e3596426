"""`make bench`: short benchmarks, each printing its figures beside a reference measured in the same run."""
