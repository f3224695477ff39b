/** Markup that would set window.__xss (or open an alert) if it were ever rendered as HTML. */
export const MARKUP_PAYLOADS = [
  "<img src=x onerror=alert(1)//",
  '<img src=x onerror="window.__xss=true">',
  "<script>window.__xss=true</script>",
  "<b>bold</b>",
  '<svg onload="window.__xss=true"></svg>',
];
