// Reads the question and its answers aloud with the browser's own speech.
// Without speech (or without JavaScript) the button stays hidden.
const button = document.getElementById('read-aloud')

if (button && 'speechSynthesis' in window) {
  button.hidden = false
  button.addEventListener('click', () => {
    const text = [...document.querySelectorAll('.gw-read')].map((node) => node.textContent.trim()).join('. ')
    window.speechSynthesis.cancel()
    const speech = new SpeechSynthesisUtterance(text)
    speech.lang = 'en-GB'
    speech.rate = 0.9
    window.speechSynthesis.speak(speech)
  })
}
