/**
 * A system notification for an incoming call, when the user allowed notifications (asked only
 * from a click: see views/call-alerts-button.ts). Clicking it brings the tab to the front; it
 * closes when the ringing ends. Nothing happens without permission or support.
 */
export function notifyIncomingCall(peer: string): () => void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return () => undefined;
  let notification: Notification;
  try {
    notification = new Notification("Incoming call", {
      body: `${peer} is calling you.`,
      tag: "switchboard-incoming-call",
      requireInteraction: true,
      icon: "/favicon.svg",
    });
  } catch {
    return () => undefined; // Some browsers allow notifications only from a service worker.
  }
  notification.onclick = () => {
    window.focus();
    notification.close();
  };
  return () => notification.close();
}
