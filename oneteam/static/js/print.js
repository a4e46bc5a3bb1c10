// "Print this page" buttons (marked data-print-page). The buttons start hidden,
// so a browser without JavaScript shows none; this file is loaded rather than
// written inline, so the Content-Security-Policy need not allow inline code.
for (const button of document.querySelectorAll('[data-print-page]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
