// Times are stored and sent in UTC; a person reads them in their own time zone. Each <time
// datetime> keeps the server's text length (minutes, or seconds) and says UTC in its tooltip.
(function () {
  "use strict";

  const pad = (number) => String(number).padStart(2, "0");

  function local(moment, seconds) {
    const date = `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
    const time = `${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
    return `${date} ${time}${seconds ? ":" + pad(moment.getSeconds()) : ""}`;
  }

  Pixie.register("time[datetime]", (element) => {
    const stamp = element.getAttribute("datetime") || "";
    const moment = new Date(stamp);
    if (!/T\d\d:\d\d/.test(stamp) || Number.isNaN(moment.getTime()) || element.dataset.local) {
      return;
    }
    const seconds = /\d\d:\d\d:\d\d/.test(element.textContent);
    element.dataset.local = "true";
    element.title = stamp.slice(0, 19).replace("T", " ") + " UTC";
    element.textContent = local(moment, seconds);
  });
})();
