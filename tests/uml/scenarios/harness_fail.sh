# A scenario that fails: ctest must report it as failed (WILL_FAIL).
echo "this scenario fails on purpose"
exit 3
