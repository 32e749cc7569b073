# A scenario that never finishes: the runner must stop the kernel at its
# time limit and fail (WILL_FAIL), leaving no process behind.
echo "hanging on purpose"
sleep 600
