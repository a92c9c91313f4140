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
      /* Links are not skipped: a card's title is a link, and its math must render too. */
      ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option"]
    };
    var nodes = document.querySelectorAll(".math");
    for (var i = 0; i < nodes.length; i++) {
      /* Blackboard letters arXiv authors define themselves (KaTeX knows \N, \R and \Z);
         a new object each time, so a \gdef in one abstract cannot leak into the next. */
      options.macros = { "\\Q": "\\mathbb{Q}", "\\C": "\\mathbb{C}" };
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
