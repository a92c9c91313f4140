/* Upvote without a page reload. The button is a plain <form method="post">
   that works with JavaScript off; this script sends the same form with
   fetch() and updates the count and the pressed state of every button for
   that paper. On any failure it falls back to submitting the form normally. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function update(paperId, data) {
    var forms = document.querySelectorAll(".upvote-form");
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].getAttribute("data-paper-id") !== paperId) continue;
      var button = forms[i].querySelector(".upvote-button");
      var count = forms[i].querySelector(".upvote-count");
      button.setAttribute("aria-pressed", data.voted ? "true" : "false");
      if (count) count.textContent = String(data.total);
      var title = data.upvotes + (data.upvotes === 1 ? " upvote" : " upvotes") + " here";
      if (data.upstream_upvotes) title += " + " + data.upstream_upvotes + " on Hugging Face";
      button.setAttribute("title", title);
    }
    var locals = document.querySelectorAll(".upvote-local");
    for (var j = 0; j < locals.length; j++) {
      if (locals[j].getAttribute("data-paper-id") === paperId) {
        locals[j].textContent = data.upvotes + (data.upvotes === 1 ? " upvote" : " upvotes") + " here";
      }
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("upvote-form")) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": token ? token.value : "",
        "X-Requested-With": "fetch"
      }
    })
      .then(function (response) {
        if (response.status === 401) {
          return response.json().then(function (data) {
            window.location.href = data.login_url;
            return null;
          });
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json().then(function (data) {
          update(form.getAttribute("data-paper-id"), data);
          return null;
        });
      })
      .catch(function () {
        form.submit(); /* the server answers a plain POST too */
      })
      .then(function () {
        form.removeAttribute("aria-busy");
      });
  });
})();
