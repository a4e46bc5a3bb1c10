// Starts the NHS.UK components. A file rather than an inline script, so the
// Content-Security-Policy need not allow inline code. The import is relative to
// this file, so it follows STATIC_URL.
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()
