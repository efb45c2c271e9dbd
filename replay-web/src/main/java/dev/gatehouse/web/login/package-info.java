/**
 * Who is calling: the browser login (authorization code + PKCE, state bound to a cookie, nonce),
 * one-time operator links ({@link dev.gatehouse.web.login.LoginLinks}), server-side browser
 * sessions, bearer access tokens, CSRF and roles from groups.
 */
package dev.gatehouse.web.login;
