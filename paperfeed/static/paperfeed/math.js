/* Renders LaTeX in elements with class "math" with the vendored KaTeX.
   Source text reaches the page escaped; KaTeX reads the text back from the
   DOM and builds its own markup. Bad math never throws (throwOnError: false),
   and \href, \url and friends stay inert (trust: false). */
(function () {
  "use strict";
  function render() {
    if (typeof window.renderMathInElement !== "function") return;
    var options = {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
        { left: "$", right: "$", display: false }
      ],
      throwOnError: false,
      trust: false,
      strict: "ignore",
      maxExpand: 200,
      ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option", "a"]
    };
    var nodes = document.querySelectorAll(".math");
    for (var i = 0; i < nodes.length; i++) {
      try {
        window.renderMathInElement(nodes[i], options);
      } catch (error) {
        /* One unreadable formula must not stop the others: leave its text as it is. */
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
