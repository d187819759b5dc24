// Progressive enhancement only: every feature works without this file.
// Hiding the site message without a page load; the form posts to the server otherwise.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches("[data-hide-message]")) return;
  var banner = form.closest("[data-site-message]");
  if (!banner) return;
  event.preventDefault();
  var secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "rc_hidden_message=" + encodeURIComponent(banner.dataset.version) +
    "; Max-Age=31536000; Path=/; SameSite=Lax" + secure;
  banner.remove();
  var main = document.getElementById("main");
  if (main) main.focus();
});
