// Starts the NHS.UK components. A file rather than an inline script, so the
// Content-Security-Policy need not allow inline code. The import is relative to
// this file, so it follows STATIC_URL.
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()

// Every create form carries a one-time key (`submission`, ADR 0024) so that sending it twice saves it
// once. Going Back to a form after saving it makes the browser load the page again, with a new key,
// while it fills the typed answers back in: saving that would make a second record. So the key a form
// was sent with is kept in the page's history entry, and put back into the form when the person returns.
const keyed = [...document.querySelectorAll('form')].filter((form) => form.querySelector('input[name="submission"]'))
keyed.forEach((form, index) => {
  const key = form.querySelector('input[name="submission"]')
  const sent = history.state?.submissions?.[index]
  if (sent) key.value = sent
  form.addEventListener('submit', () => {
    const submissions = { ...history.state?.submissions, [index]: key.value }
    history.replaceState({ ...history.state, submissions }, '')
  })
})
