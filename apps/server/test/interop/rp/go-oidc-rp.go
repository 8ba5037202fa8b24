// A relying party written with go-oidc (github.com/coreos/go-oidc, v2) and golang.org/x/oauth2,
// as Debian packages them. The test drives it: it prints the authorization URL, reads the URL
// the browser was sent back to from stdin, exchanges the code (with PKCE), verifies the ID
// token against the provider's JWKS, refreshes, verifies again, and prints what it saw as JSON.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	oidc "github.com/coreos/go-oidc"
	"golang.org/x/oauth2"
)

func random() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func fail(step string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", step, err)
	os.Exit(1)
}

func main() {
	issuer, clientID, clientSecret, redirectURI := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		fail("discovery", err)
	}
	config := oauth2.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Endpoint:     provider.Endpoint(),
		RedirectURL:  redirectURI,
		Scopes:       []string{oidc.ScopeOpenID, "email", oidc.ScopeOfflineAccess},
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: clientID})
	state, nonce, codeVerifier := random(), random(), random()
	challenge := sha256.Sum256([]byte(codeVerifier))
	fmt.Println(config.AuthCodeURL(state, oidc.Nonce(nonce),
		oauth2.SetAuthURLParam("code_challenge", base64.RawURLEncoding.EncodeToString(challenge[:])),
		oauth2.SetAuthURLParam("code_challenge_method", "S256")))

	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		fail("reading the callback", err)
	}
	callback, err := url.Parse(strings.TrimSpace(line))
	if err != nil {
		fail("parsing the callback", err)
	}
	if callback.Query().Get("state") != state {
		fail("state", fmt.Errorf("state does not round-trip"))
	}
	token, err := config.Exchange(ctx, callback.Query().Get("code"), oauth2.SetAuthURLParam("code_verifier", codeVerifier))
	if err != nil {
		fail("code exchange", err)
	}
	rawIDToken, _ := token.Extra("id_token").(string)
	idToken, err := verifier.Verify(ctx, rawIDToken)
	if err != nil {
		fail("ID token", err)
	}
	if idToken.Nonce != nonce {
		fail("nonce", fmt.Errorf("nonce does not round-trip"))
	}
	var claims struct {
		Email string `json:"email"`
	}
	if err := idToken.Claims(&claims); err != nil {
		fail("claims", err)
	}

	// Refresh as x/oauth2 does on its own once the access token has expired.
	token.Expiry = time.Now().Add(-time.Minute)
	refreshed, err := config.TokenSource(ctx, token).Token()
	if err != nil {
		fail("refresh", err)
	}
	refreshedIDToken, err := verifier.Verify(ctx, refreshed.Extra("id_token").(string))
	if err != nil {
		fail("refreshed ID token", err)
	}
	out, _ := json.Marshal(map[string]any{
		"sub":            idToken.Subject,
		"email":          claims.Email,
		"refreshedSub":   refreshedIDToken.Subject,
		"rotated":        refreshed.RefreshToken != "" && refreshed.RefreshToken != token.RefreshToken,
		"refreshedToken": refreshed.AccessToken != token.AccessToken,
	})
	fmt.Println(string(out))
}
