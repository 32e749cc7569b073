# bash completion for ikesh's options (commands complete inside ikesh)
_ikesh()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--state-dir|--run-dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0
		;;
	-f)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	-c|--ike-port)
		COMPREPLY=()
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--state-dir --run-dir -c -f --check --no-ike
			--ike-port --help --version' -- "$cur"))
	fi
	return 0
}
complete -F _ikesh ikesh
