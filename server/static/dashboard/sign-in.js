// Exchanges a Firebase ID token for the dashboard's session cookie (POST /auth/session).
(function () {
  var root = document.getElementById("sign-in");
  var next = safeNext(root.dataset.next);
  var failure = document.getElementById("sign-in-error");

  // The server renders only a path under /dashboard/; checked again here, so that no page can be
  // made to send a signed-in browser to javascript: or another site.
  function safeNext(value) {
    var home = "/dashboard/";
    if (typeof value !== "string" || !/^\/dashboard\/[^\\\s]*$/.test(value)) { return home; }
    var url = new URL(value, window.location.origin);
    if (url.origin !== window.location.origin || url.pathname.indexOf(home) !== 0) { return home; }
    return url.pathname + url.search + url.hash;
  }

  function postJson(url, body) {
    return fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                       credentials: "same-origin", body: JSON.stringify(body)});
  }

  function exchange(idToken) {
    return postJson("/auth/session", {id_token: idToken}).then(function (response) {
      if (!response.ok) { throw new Error("session " + response.status); }
      window.location.assign(next);
    });
  }

  function fail() { failure.hidden = false; }

  if (root.dataset.emulator === "true") {
    root.querySelectorAll(".demo-person").forEach(function (button) {
      button.addEventListener("click", function () {
        postJson("/dashboard/dev-token", {phone: button.dataset.phone})
          .then(function (response) { return response.json(); })
          .then(function (body) { return exchange(body.id_token); })
          .catch(fail);
      });
    });
    return;
  }

  // Production: Firebase phone-number sign-in with the vendored web SDK.
  firebase.initializeApp({apiKey: root.dataset.apiKey, authDomain: root.dataset.project + ".firebaseapp.com",
                          projectId: root.dataset.project});
  var verifier = new firebase.auth.RecaptchaVerifier("recaptcha", {size: "invisible"});
  var confirmation = null;
  document.getElementById("send-code").addEventListener("click", function () {
    var phone = document.getElementById("phone").value.replace(/\s+/g, "").replace(/^0/, "+84");
    firebase.auth().signInWithPhoneNumber(phone, verifier)
      .then(function (result) { confirmation = result; })
      .catch(fail);
  });
  document.getElementById("verify-code").addEventListener("click", function () {
    if (!confirmation) { return fail(); }
    confirmation.confirm(document.getElementById("code").value)
      .then(function (credential) { return credential.user.getIdToken(); })
      .then(exchange)
      .catch(fail);
  });
})();
