# Prints the matches zsh's completion offers for a command line, one a line.
# Usage: zsh -f zcomplete.zsh COMPDIR 'tcptool connect --ti'
# Runs an interactive zsh in a pty with compadd wrapped to record what the
# completion functions add, then types the line and a key bound to that.
zmodload zsh/zpty || exit 2
compdir=$1 line=$2 out=$(mktemp) || exit 2
zpty z zsh -f -i
zpty -w z "PROMPT= RPROMPT="
zpty -w z "fpath=(${(q)compdir} \$fpath); autoload -Uz compinit && compinit -u -D"
zpty -w z "__cap() { typeset -ga __c; __c=(); compadd() { local -a __r; builtin compadd -O __r \"\$@\"; __c+=(\"\${__r[@]}\"); builtin compadd \"\$@\"; }; zle complete-word; unfunction compadd; print -rl -- \"\${__c[@]}\" >| ${(q)out}; }"
zpty -w z "zle -N __cap; bindkey '^T' __cap"
zpty -w z "$line"$'\x14'
for i in {1..50}; do [[ -s $out ]] && break; sleep 0.1; done
zpty -d z; cat -- $out; rm -f -- $out
