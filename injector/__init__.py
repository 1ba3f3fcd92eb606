"""injector: Istio's sidecar injection on gotmpl (kube-inject, webhook, checks)."""
