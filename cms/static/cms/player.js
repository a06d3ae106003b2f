// Chapter markers: a button with data-seek="<seconds>" moves its player to that time.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-seek]");
    if (!button) return;
    var player = document.getElementById(button.getAttribute("data-player"));
    if (!player) return;
    var seconds = parseFloat(button.getAttribute("data-seek")) || 0;
    player.currentTime = seconds;
    var playing = player.play();
    if (playing && playing.catch) playing.catch(function () {});
    player.focus();
  });
})();
