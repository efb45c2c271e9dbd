/**
 * The Kubernetes API proxy: one protocol, no SSH (an enforcer rule keeps it so), shared by kubectl
 * on the bastion and {@code ssh -L} forwards.
 *
 * <pre>
 *  kubectl            KubeProxy (loopback)                         policy             API server
 *    │  HTTP/1.1         │                                            │                   │
 *    │──request────────▶ │ session ← bearer token | PROXY v2 TLV      │                   │
 *    │                   │ Impersonate-* from the client? ─▶ 403      │                   │
 *    │                   │ RequestInfoParser (as k8s.io/apiserver)    │                   │
 *    │                   │   cannot parse ─▶ 400, never forwarded     │                   │
 *    │                   │ bounded body (JSON / YAML only)            │                   │
 *    │                   │──KubeRequest──────────────────────────────▶│ KubeJudge         │
 *    │                   │◀─allow | review | block────────────────────│                   │
 *    │   (waits)         │ review ─▶ ProxySession.Reviews (the gateway's approval desk)   │
 *    │◀──403 Status──────│ block (or review not approved)             │                   │
 *    │══ exec/attach WS ═│ StreamRelay: upstream stream first, then the client's upgrade ═▶│
 *    │                   │   stdout/stderr, resizes ─▶ ProxySession.Stream (recording)    │
 *    │══ port-forward WS═│ PortForwardRelay (SPDY/3.1+portforward.k8s.io), same order ═══▶│
 *    │                   │   SPDY data bytes counted ─▶ ProxySession.Forward (audit)      │
 *    │══ exec/attach ════│ SpdyUpgrade: same order, then 101 Upgrade: SPDY/3.1            │
 *    │   (SPDY/3.1)      │   SpdyConnection ─ SpdyExecRelay ─ StreamRelay (v5, v4) ══════▶│
 *    │══ port-forward ═══│   SpdyConnection ─ SpdyPortForward ─ PortForwardRelay ════════▶│
 *    │   (SPDY/3.1)      │   frames read by Netty's codec; malformed ─▶ GOAWAY, closed    │
 *    │◀──501 Status──────│ other stream upgrades (proxy subresources, other protocols)    │
 *    │                   │──same request, proxy's credentials, Impersonate-User/-Group,──▶│
 *    │                   │  Accept without protobuf, identity encoding                    │
 *    │                   │◀──JSON / watch events / text───────────────────────────────────│
 *    │◀──masked──────────│ ResponseMasker: Secret data, Table rows, last-applied,         │
 *    │                   │   detectors over other strings                                 │
 *    │                   │──Exchange──▶ ProxySession.Listener (audit line, recording marker)
 * </pre>
 */
package dev.gatehouse.kube;
