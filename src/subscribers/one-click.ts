// What the one-click unsubscribe endpoint (RFC 8058) answers, kept in one place: the route sends
// it, and `newsletter doctor` looks for it, so a 200 from some other site at PUBLIC_URL (a blog,
// a catch-all page in a proxy) is not taken for a working endpoint.
export const ONE_CLICK_ANSWER = 'Unsubscribed.\n';
