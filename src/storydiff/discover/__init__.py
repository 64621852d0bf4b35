"""Finding the coverage: group articles from many outlets into stories (grouping), read and
write article dumps (dump)."""
