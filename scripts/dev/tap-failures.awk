# Prints each failing assertion of a raw TAP stream under the test file it belongs to, so the
# last screen of a CI log (often all that is kept) says what failed, not only how many.
/^# Subtest: / { file = substr($0, 12); next }
/^ *not ok / {
  line = $0; sub(/^ */, "", line)
  if (file != shown) { print "  " file; shown = file }
  print "    " line
  count++
}
END { if (count) print "  (" count " failing lines, nested subtests included)" }
