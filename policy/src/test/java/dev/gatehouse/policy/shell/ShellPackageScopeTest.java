package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where {@code package-change} ends: installs beyond the project. Judge: {@link
 * ShellJudgeTest#DEFAULT}, each text as an exec request and as a typed line.
 *
 * <p>Attack pass 17cq reported an inconsistency: {@code poetry install}, {@code pipenv install},
 * {@code pdm install}, {@code composer install} (and their add/require/update verbs) were
 * package-change, while {@code npm install x}, {@code yarn add x}, {@code uv add x} and {@code npm
 * ci} were asserted everyday work by earlier passes. Every one of these installs into the
 * project's own directory (its virtualenv, {@code node_modules}, {@code vendor/}) and runs the
 * project's or its packages' install code, as {@code make} runs a Makefile. The rule now is one:
 * <b>package-change is an install beyond the project</b> — the system's package managers, {@code
 * pip} (it installs into whichever Python runs it, and the words cannot tell a virtualenv from the
 * system's), global installs ({@code npm -g}, {@code composer global}, {@code pdm -g}, {@code
 * pipenv --system}/{@code --site-packages}), the tool itself ({@code poetry self add}, {@code pdm
 * self update}, {@code uv self update}, {@code hatch self update}, {@code composer self-update}),
 * and Bundler, which installs into the system's gem directory unless a path is configured. A
 * project configuration that points an install elsewhere ({@code virtualenvs.create false}, an
 * {@code .npmrc} with {@code global=true}) is not in the words: docs/policy.md says so.
 */
class ShellPackageScopeTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", textBlock = """
      npm install
      npm install lodash
      yarn add lodash
      uv add requests
      uv sync
      poetry install
      poetry add requests
      poetry update
      poetry -C /srv/app install --no-root
      pipenv install
      pipenv install requests
      pipenv sync --dev
      pipenv --python 3.12 install
      pdm install
      pdm add requests
      pdm sync
      hatch env create
      composer install --no-dev
      composer require vendor/pkg
      composer update
      composer i
      composer rem vendor/pkg
      poetry self show
      pdm self list
      uv self version
      """)
  void aProjectsOwnInstallsAreAllowed(String text) {
    for (ShellJudgement j : List.of(ShellJudgeTest.DEFAULT.judge(text), ShellJudgeTest.DEFAULT.judgeTyped(text))) {
      assertThat(j.verdict().label()).as(text).isEqualTo("allow");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", textBlock = """
      pip install requests
      python3 -m pip install requests
      npm install -g lodash
      yarn global add lodash
      uv pip install requests
      uv tool install ruff
      uv self update
      poetry self add poetry-plugin-export
      python3 -m poetry self update
      pipenv install --system
      pipenv --site-packages install requests
      pdm add -g requests
      pdm --global install
      pdm self update
      hatch self update
      composer global require vendor/pkg
      composer glob require vendor/pkg
      composer self-update
      composer selfu
      bundle install
      bundle i
      bundle add rails
      gem install rails
      """)
  void installsBeyondTheProjectArePackageChange(String text) {
    for (ShellJudgement j : List.of(ShellJudgeTest.DEFAULT.judge(text), ShellJudgeTest.DEFAULT.judgeTyped(text))) {
      assertThat(j.verdict().label()).as(text).isEqualTo("review");
      assertThat(j.verdict().rule()).as(text).isEqualTo("package-change");
    }
  }
}
