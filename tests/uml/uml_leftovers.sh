#!/bin/sh
# Runs after every UML scenario (ctest fixture cleanup): the harness must
# have left no work directory and no UML process behind.
set -u
work=${IKESH_UML_WORK:?}
status=0
for d in "$work"/uml-*; do
	[ -e "$d" ] || continue
	echo "left behind: $d"
	status=1
done
if pgrep -f -- "init=$work/uml-" >/dev/null 2>&1; then
	echo "UML processes still running:"
	pgrep -a -f -- "init=$work/uml-"
	status=1
fi
if [ -e "${HOME:-/root}/.uml/uml" ]; then
	echo "a UML runtime directory was made in ${HOME:-/root}/.uml"
	status=1
fi
[ $status = 0 ] && echo "nothing left behind by the UML scenarios"
exit $status
