#!/bin/bash
# Writes kubectl's own command tree and flags (from its --help) for the allowed commands.
K=${1:-/usr/lib/google-cloud-sdk/bin/kubectl.1.32}
TOP="get describe logs explain api-resources api-versions version cluster-info top create apply delete scale rollout label annotate patch replace set expose run exec attach autoscale cordon uncordon drain taint wait events auth certificate"
walk() {
  local path="$1"
  local help; help=$($K $path --help 2>/dev/null)
  local aliases; aliases=$(printf '%s\n' "$help" | sed -n '/^Aliases:/,/^$/p' | sed -n 2p | tr -d ' ')
  echo "command	$path	$aliases"
  printf '%s\n' "$help" | sed -n '/^Options:/,/^Usage:/p' | grep -E '^\s+-' | while read -r line; do
    spec=${line%%:*}
    short=""; long="$spec"
    if [[ "$spec" == -?,* ]]; then short=${spec:1:1}; long=${spec#*, }; fi
    name=${long#--}; name=${name%%=*}; def=${long#*=}
    kind=value
    [[ "$def" == false || "$def" == true ]] && kind=bool
    [[ "$def" == "[]" ]] && kind=list
    echo "flag	$path	$name	$short	$kind"
  done
  printf '%s\n' "$help" | sed -n '/^Available Commands:/,/^$/p' | awk 'NR>1 && NF{print $1}' | while read -r sub; do
    walk "$path $sub"
  done
}
echo "# kubectl $($K version --client | head -1): generated from its --help by gen-kubectl-flags.sh"
for t in $TOP; do walk "$t"; done
