package dev.kiln.frontend.dockerfile.instructions;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.frontend.dockerfile.DockerfileParseException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InstructionErrorsTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "FROM x\nRUNN echo", "Dockerfile:2: unknown instruction: RUNN (did you mean RUN?)"),
        Arguments.of("FROM x\nFROBNICATE a", "Dockerfile:2: unknown instruction: FROBNICATE"),
        Arguments.of("FROM x\nRUN \\", "Dockerfile:2: RUN requires at least one argument"),
        Arguments.of(
            "FROM x\nCOPY a",
            "Dockerfile:2: COPY requires at least two arguments, but only one was provided."),
        Arguments.of(
            "FROM x\nCOPY --foo=bar a b", "Dockerfile:2: unknown flag: --foo (flags of COPY:"),
        Arguments.of("FROM x\nCOPY --chmod a b", "Dockerfile:2: missing a value on flag: --chmod"),
        Arguments.of(
            "FROM x\nCOPY --link=maybe a b",
            "Dockerfile:2: expecting boolean value for flag --link, not: maybe"),
        Arguments.of(
            "FROM x\nCOPY --from=a --from=b a b", "Dockerfile:2: Duplicate flag specified: --from"),
        Arguments.of("FROM x\nADD --from=a a b", "Dockerfile:2: unknown flag: --from"),
        Arguments.of(
            "FROM x\nWORKDIR --x=1 /a", "Dockerfile:2: unknown flag: --x (WORKDIR takes no flags)"),
        Arguments.of(
            "FROM x\nRUN --mount=type=weird,target=/x true",
            "Dockerfile:2: unsupported mount type \"weird\""),
        Arguments.of(
            "FROM x\nARG S=x\nRUN --mount=from=$S,target=/x true",
            "Dockerfile:3: 'from' doesn't support variable expansion, define alias stage instead"),
        Arguments.of(
            "FROM x\nRUN --mount=target=/x,colour=red true",
            "Dockerfile:2: unexpected key 'colour'"),
        Arguments.of(
            "FROM x\nRUN --network=bridge true",
            "Dockerfile:2: unsupported network mode \"bridge\""),
        Arguments.of("FROM a AS 1bad", "Dockerfile:1: invalid name for build stage: \"1bad\""),
        Arguments.of("FROM a b c", "Dockerfile:1: expected 'AS', got 'b' in FROM"),
        Arguments.of("FROM a AS", "Dockerfile:1: FROM requires either one or three arguments"),
        Arguments.of("FROM a AS x\nFROM b AS X", "Dockerfile:2: duplicate stage name \"x\""),
        Arguments.of("RUN x\nFROM a", "Dockerfile:1: RUN before the first FROM"),
        Arguments.of("ARG A", "Dockerfile: no FROM instruction"),
        Arguments.of(
            "FROM x\nSHELL /bin/sh -c",
            "Dockerfile:2: SHELL requires the arguments to be in JSON form"),
        Arguments.of(
            "FROM x\nHEALTHCHECK --interval=5s NONE",
            "Dockerfile:2: HEALTHCHECK NONE takes no arguments"),
        Arguments.of(
            "FROM x\nHEALTHCHECK FOO bar",
            "Dockerfile:2: Unknown type \"FOO\" in HEALTHCHECK (try CMD)"),
        Arguments.of(
            "FROM x\nHEALTHCHECK CMD", "Dockerfile:2: Missing command after HEALTHCHECK CMD"),
        Arguments.of(
            "FROM x\nHEALTHCHECK --interval=5 CMD true",
            "Dockerfile:2: time: invalid duration \"5\""),
        Arguments.of(
            "FROM x\nHEALTHCHECK --timeout=1us CMD true",
            "Dockerfile:2: Interval \"timeout\" cannot be less than 1ms"),
        Arguments.of(
            "FROM x\nHEALTHCHECK --retries=-1 CMD true",
            "Dockerfile:2: --retries cannot be negative"),
        Arguments.of(
            "FROM x\nONBUILD FROM y", "Dockerfile:2: FROM isn't allowed as an ONBUILD trigger"),
        Arguments.of(
            "FROM x\nONBUILD ONBUILD RUN y",
            "Dockerfile:2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
        Arguments.of("FROM x\nONBUILD", "Dockerfile:2: ONBUILD requires at least one argument"),
        Arguments.of("FROM x\nUSER", "Dockerfile:2: USER requires exactly one argument"),
        Arguments.of("FROM x\nEXPOSE", "Dockerfile:2: EXPOSE requires at least one argument"),
        Arguments.of(
            "FROM x\nVOLUME [\"\"]", "Dockerfile:2: VOLUME specified can not be an empty string"),
        Arguments.of("FROM x\nARG =1", "Dockerfile:2: ARG names can not be blank"),
        Arguments.of(
            "FROM x\nCMD --help", "Dockerfile:2: unknown flag: --help (CMD takes no flags)"),
        Arguments.of("FROM x\nLABEL", "Dockerfile:2: LABEL requires at least one argument"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("cases")
  void parse_badInstruction_oneLineErrorWithLine(String text, String message) {
    assertThatThrownBy(() -> Dockerfile.parse("Dockerfile", text))
        .isInstanceOf(DockerfileParseException.class)
        .hasMessageStartingWith(message)
        .hasMessageNotContaining("\n");
  }
}
