// Refreshes the timetable preview as the form changes. Without JavaScript the
// "Preview the timetable" button does the same with a full page.
const form = document.getElementById('group-form')
const preview = document.getElementById('timetable-preview')

async function refresh () {
  const query = new URLSearchParams(new FormData(form))
  query.delete('csrfmiddlewaretoken')
  const response = await fetch(`${form.dataset.previewUrl}?${query}`, { credentials: 'same-origin' })
  if (!response.ok) return
  const html = await response.text()
  const fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('timetable-preview')
  if (fresh) preview.replaceChildren(...fresh.childNodes)
}

if (form && preview) {
  let timer
  form.addEventListener('change', () => {
    clearTimeout(timer)
    timer = setTimeout(refresh, 250)
  })
}
