package dev.gatehouse.gateway.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse kubeconfig prod-k8s --port 16443}: the kubeconfig for a kubernetes target reached
 * through {@code ssh -N -L 16443:prod-k8s:443 prod-k8s@gw}. It points at the local end of the
 * tunnel over plain HTTP (the SSH connection encrypts and authenticates it) and holds no user
 * credentials: the gateway knows the person from the SSH channel. Reads no config and no secret, so
 * it runs on the user's own machine.
 */
@Command(
    name = "kubeconfig",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a kubeconfig for a kubernetes target reached through ssh -L, e.g.",
      "  ssh -N -L 16443:prod-k8s:443 prod-k8s@gw &",
      "  gatehouse kubeconfig prod-k8s --port 16443 > ~/.kube/gatehouse",
      "  KUBECONFIG=~/.kube/gatehouse kubectl get pods",
      "It holds no credentials: the SSH connection's identity counts."
    })
final class KubeconfigCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "TARGET", description = "The kubernetes target's name.")
  String target;

  @Option(names = "--port", required = true, paramLabel = "PORT", description = "The local port of ssh -L.")
  int port;

  @Option(names = "--namespace", paramLabel = "NS", description = "The context's default namespace (default: none, kubectl's default).")
  String namespace;

  @Override
  public Integer call() {
    if (!target.matches("[a-z0-9][a-z0-9._-]{0,62}")) {
      System.err.println("gatehouse: '" + target + "' is not a target name");
      return PolicyCommand.EXIT_UNKNOWN_TARGET;
    }
    if (port < 1 || port > 65535) {
      System.err.println("gatehouse: --port " + port + " is out of range 1-65535");
      return PolicyCommand.EXIT_UNKNOWN_TARGET;
    }
    if (namespace != null && !namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      System.err.println("gatehouse: --namespace '" + namespace + "' is not a namespace name");
      return PolicyCommand.EXIT_UNKNOWN_TARGET;
    }
    String name = "gatehouse-" + target;
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: v1\n");
    y.append("kind: Config\n");
    y.append("clusters:\n");
    y.append("- name: ").append(name).append('\n');
    y.append("  cluster:\n");
    y.append("    server: http://127.0.0.1:").append(port).append('\n');
    y.append("users:\n");
    y.append("- name: ").append(name).append('\n');
    y.append("  user: {}\n");
    y.append("contexts:\n");
    y.append("- name: ").append(name).append('\n');
    y.append("  context:\n");
    y.append("    cluster: ").append(name).append('\n');
    y.append("    user: ").append(name).append('\n');
    if (namespace != null) {
      y.append("    namespace: ").append(namespace).append('\n');
    }
    y.append("current-context: ").append(name).append('\n');
    System.out.print(y);
    return 0;
  }
}
