#!/bin/sh
# The namespace and the project's custom search attributes, as toolchain/temporal-cluster.ts
# registers them for `npm run stack` (the list is workflows/search-attributes.ts; deploy.test.ts
# checks this file names the same ones). Safe to run again. Runs in temporalio/admin-tools.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" | grep -q SERVING; do sleep 2; done
temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$ns" >/dev/null 2>&1 \
  || temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$ns" --retention "${TEMPORAL_RETENTION:-30d}"
# A namespace just created reaches the frontend's cache within seconds: retry until it is there.
has() { temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$ns" 2>/dev/null | grep -qw "$1"; }
for attr in CampaignId:Keyword UnitId:Keyword UnitType:Keyword SupervisorGroup:Keyword CampaignStage:Keyword OverdueCount:Int RemedialRound:Int; do
  name=${attr%%:*}
  type=${attr#*:}
  n=0
  until has "$name"; do
    n=$((n + 1))
    [ "$n" -le 60 ] || { echo "search attribute $name could not be created" >&2; exit 1; }
    temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$ns" --name "$name" --type "$type" >/dev/null 2>&1 || sleep 1
  done
done
echo "namespace $ns and its search attributes are ready"
