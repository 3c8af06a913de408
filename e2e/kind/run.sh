#!/usr/bin/env bash
# Runs the end-to-end suite (e2e/src/test/java/io/etcetera/e2e/EtcdClusterIT.java) on a kind
# cluster instead of the local harness. Needs docker, kind, kubectl, Java 17, Maven and openssl
# (the TLS case makes its certificates). The S3 case needs an S3 server the member pods reach, so
# it is skipped on kind.
#   e2e/kind/run.sh            # members run etcd 3.4.23 (quay.io/coreos/etcd)
#   MEMBER=etcetera e2e/kind/run.sh   # members run Etcetera's node image
set -euo pipefail
cd "$(dirname "$0")/../.."

CLUSTER_NAME=${CLUSTER_NAME:-etcetera-e2e}
MEMBER=${MEMBER:-etcd}
TAG=0.1.0

mvn -B -ntp -pl operator -am package -DskipTests
docker build -f operator/src/main/docker/Dockerfile -t etcetera/operator:$TAG operator
images=(etcetera/operator:$TAG)
member_image=""
if [ "$MEMBER" = etcetera ]; then
  mvn -B -ntp -pl node -am package -DskipTests
  docker build -f node/src/main/docker/Dockerfile -t etcetera/node:$TAG node
  images+=(etcetera/node:$TAG)
  member_image=etcetera/node:$TAG
fi

kind get clusters | grep -qx "$CLUSTER_NAME" || kind create cluster --name "$CLUSTER_NAME"
kubectl config use-context "kind-$CLUSTER_NAME"
kind load docker-image --name "$CLUSTER_NAME" "${images[@]}"
kubectl apply -f crds/
kubectl apply -f manifests/operator.yaml
if [ "$MEMBER" = etcetera ]; then
  # Etcetera's image restores snapshots with its own launcher (etcd snapshot restore ...).
  kubectl -n etcetera-system set env deploy/etcetera-operator \
    ETCETERA_OPERATOR_MEMBER_RESTORE_COMMAND=etcd,snapshot,restore
fi
kubectl -n etcetera-system rollout status deploy/etcetera-operator --timeout=180s

# The suite's clusters live beside the operator, so a restoring member can mount the snapshot
# claim (claims are namespaced).
mvn -B -ntp -pl operator,e2e verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=EtcdClusterIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -De2e.target=kind -De2e.namespace=etcetera-system -De2e.snapshot.claim=etcd-snapshots \
  ${member_image:+-De2e.image=$member_image}
