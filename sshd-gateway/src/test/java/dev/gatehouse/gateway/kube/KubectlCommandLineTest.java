package dev.gatehouse.gateway.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubectlCommandLineTest {

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '^', textBlock = """
      kubectl get pods -n app                          => get pods --namespace=app
      get pods -n app                                  => get pods --namespace=app
      -n app get pods                                  => get pods --namespace=app
      get pods -napp -o wide                           => get pods --namespace=app --output=wide
      get pods -n=app                                  => get pods --namespace=app
      get 'pods' "web-1" -o 'jsonpath={.items[*].metadata.name}' => get pods web-1 --output=jsonpath={.items[*].metadata.name}
      get pods -o jsonpath={.items[0].metadata.name}   => get pods --output=jsonpath={.items[0].metadata.name}
      logs -f web-1 -c web                             => logs web-1 --follow=true --container=web
      exec -it web-1 -- sh -c 'echo $HOME'             => exec web-1 --stdin=true --tty=true -- sh -c echo $HOME
      create -f -                                      => create --filename=-
      apply -f - --dry-run                             => apply --filename=- --dry-run
      delete pod web-1 --wait=false                    => delete pod web-1 --wait=false
      create secret generic db --from-literal=a=b      => create secret generic db --from-literal=a=b
      create cm x --from-literal=a=b                   => create configmap x --from-literal=a=b
      scale deployment/web --replicas=3                => scale deployment/web --replicas=3
      get --raw /api/v1/namespaces                     => get --raw=/api/v1/namespaces
      get pods # a comment                             => get pods
      get pods a\\ b                                   => get pods a b
      apply -f-                                        => apply --filename=-
      """)
  void linesBecomeTheArgvKubectlGets(String line, String argv) throws Exception {
    assertThat(String.join(" ", KubectlCommandLine.parse(line).argv())).isEqualTo(argv);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '^', textBlock = """
      get pods | grep web                 => no pipes
      get pods; delete ns prod            => ';' would start a second one
      get pods && delete ns prod          => no '&' or '&&'
      get pods > /tmp/x                   => no redirections
      create -f - < /etc/passwd           => no redirections
      get pods $(id)                      => no '$' expansion
      get pods `id`                       => no command substitution
      get pods "$HOME"                    => no '$' expansion inside double quotes
      KUBECONFIG=/x get pods              => no environment assignments
      get pods ~                          => '~' would be a home directory
      get pods/{a,b}                      => expand '{...,...}'
      get pods 'web                       => a quote (') is not closed
      ^^                                  => no kubectl command given
      """)
  void shellConstructsAreRefusedAsMalformed(String line, String why) {
    assertThatThrownBy(() -> KubectlCommandLine.parse(line)).isInstanceOf(KubectlCommandLine.Refused.class)
        .hasMessageContaining(why).matches(e -> ((KubectlCommandLine.Refused) e).syntax());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '^', textBlock = """
      edit deployment web                              => kubectl edit is not allowed here: starts an editor
      port-forward pod/web-1 8080:80                   => kubectl port-forward is not allowed here
      proxy --port=8001                                => kubectl proxy is not allowed here
      cp web-1:/etc/passwd /tmp/x                      => kubectl cp is not allowed here
      foo bar                                          => kubectl foo is not an allowed command
      plugin list                                      => kubectl plugin is not allowed here
      config view --raw                                => kubectl config is not allowed here
      get pods --kubeconfig=/etc/gatehouse/x           => flag --kubeconfig is not allowed here
      --kubeconfig /x get pods                         => flag --kubeconfig is not allowed here
      get pods --server=https://evil:6443              => flag --server is not allowed here
      get pods -s https://evil:6443                    => flag -s is not an allowed flag
      get pods --token=abc                             => flag --token is not allowed here
      get pods --as=system:admin                       => flag --as is not allowed here
      get pods --as-group=system:masters               => flag --as-group is not allowed here
      get pods --certificate-authority=/x              => flag --certificate-authority is not allowed here
      get pods --client-key=/x                         => flag --client-key is not allowed here
      get pods --username=u                            => flag --username is not allowed here
      get pods --password=p                            => flag --password is not allowed here
      get pods --cache-dir=/tmp/c                      => flag --cache-dir is not allowed here
      create -f /etc/gatehouse/gatehouse.yaml          => -f reads only what you send
      apply --filename=/etc/passwd                     => -f reads only what you send
      apply -k https://example.com/x                   => flag --kustomize is not allowed here
      create secret generic x --from-file=/etc/shadow  => flag --from-file is not allowed here
      create configmap x --from-env-file=/etc/environment => flag --from-env-file is not allowed here
      patch deploy web --patch-file=/x                 => flag --patch-file is not allowed here
      get --raw http://evil/x                          => --raw takes a path
      get --raw //evil/x                               => --raw takes a path
      get pods -o go-template-file=/x                  => reads a file on the bastion
      cluster-info dump                                => kubectl cluster-info dump is not allowed here
      apply edit-last-applied deploy/web               => kubectl apply edit-last-applied is not allowed here
      apply -n app edit-last-applied deploy/web        => put the flags after the whole command
      get pods -v=9                                    => flag -v is not an allowed flag
      create deployment x --image=nginx --edit         => flag --edit is not allowed here
      """)
  void outsideTheAllowListIsRefusedByPolicy(String line, String why) {
    assertThatThrownBy(() -> KubectlCommandLine.parse(line)).isInstanceOf(KubectlCommandLine.Refused.class)
        .hasMessageContaining(why).matches(e -> !((KubectlCommandLine.Refused) e).syntax());
  }

  @Test
  void aValueTakingFlagNeverSwallowsADangerousFlagIntoAPositional() throws Exception {
    // --validate with no '=' takes no value (as in kubectl): -f is then read as the flag it is.
    assertThatThrownBy(() -> KubectlCommandLine.parse("apply --validate -f /etc/passwd"))
        .hasMessageContaining("-f reads only what you send");
    // -n takes the next word even when it starts with a dash, as pflag does; kubectl gets it glued.
    assertThat(KubectlCommandLine.parse("get pods -n -f").argv()).containsExactly("get", "pods", "--namespace=-f");
  }

  @Test
  void theAllowListIsKubectlsOwnCommandTree() {
    List<String> lines = KubectlCommandLine.describe();
    assertThat(lines).anyMatch(l -> l.startsWith("get: ") && l.contains("--selector") && l.contains("--filename"))
        .noneMatch(l -> l.startsWith("edit")).noneMatch(l -> l.contains("--kubeconfig"))
        .noneMatch(l -> l.startsWith("cluster-info dump"));
  }
}
