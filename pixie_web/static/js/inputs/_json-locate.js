// `PixieInputs.jsonProblem(text)`: where and why text is not JSON, as {line, column, reason}, or
// null when it is. The browser's JSON.parse says whether; its messages do not always say where
// ("Unexpected token '}', ... is not valid JSON"), so this small scanner of the JSON grammar
// (RFC 8259) finds the first place the text goes wrong.
(function () {
  "use strict";

  function shown(c) {
    return c === "\n" ? "a line break" : c === "'" ? '"\'"' : "'" + c + "'";
  }

  function scan(text) {
    let i = 0;
    const fail = (reason) => {
      throw { at: i, reason };
    };
    const expected = (what) =>
      fail(
        i >= text.length
          ? "the text ends where " + what + " should be"
          : "expected " + what + ", found " + shown(text[i])
      );
    const space = () => {
      while (i < text.length && " \t\n\r".includes(text[i])) {
        i += 1;
      }
    };

    function string() {
      i += 1;
      while (i < text.length) {
        const c = text[i];
        if (c === '"') {
          i += 1;
          return;
        }
        if (c === "\\") {
          const next = text[i + 1];
          if (next !== undefined && '"\\/bfnrt'.includes(next)) {
            i += 2;
          } else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 6;
          } else {
            fail("a string has a bad escape after \\");
          }
        } else if (c < " ") {
          fail("a string cannot hold " + (c === "\n" ? "a line break (write \\n)" : "a control character"));
        } else {
          i += 1;
        }
      }
      fail("a string is not closed with \"");
    }

    function number() {
      const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!match) {
        fail("a number is malformed");
      }
      i += match[0].length;
    }

    function members(close, member) {
      i += 1;
      space();
      if (text[i] === close) {
        i += 1;
        return;
      }
      for (;;) {
        member();
        space();
        if (text[i] === ",") {
          i += 1;
        } else if (text[i] === close) {
          i += 1;
          return;
        } else {
          expected("',' or '" + close + "'");
        }
      }
    }

    function value() {
      space();
      const c = text[i];
      if (c === "{") {
        members("}", () => {
          space();
          if (text[i] !== '"') {
            expected("a property name in double quotes");
          }
          string();
          space();
          if (text[i] !== ":") {
            expected("':' after the property name");
          }
          i += 1;
          value();
        });
      } else if (c === "[") {
        members("]", value);
      } else if (c === '"') {
        string();
      } else if (c === "-" || (c >= "0" && c <= "9")) {
        number();
      } else {
        const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
        if (!word) {
          expected("a value");
        }
        i += word.length;
      }
    }

    value();
    space();
    if (i < text.length) {
      fail("there is more after the JSON value: " + shown(text[i]));
    }
  }

  function jsonProblem(text) {
    try {
      scan(text);
      return null;
    } catch (problem) {
      const at = typeof problem.at === "number" ? problem.at : text.length;
      const before = text.slice(0, at);
      return { line: before.split("\n").length, column: at - before.lastIndexOf("\n"), reason: problem.reason };
    }
  }

  window.PixieInputs.jsonProblem = jsonProblem;
})();
