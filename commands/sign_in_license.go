package commands

// SignInLicensed reports whether the license in force accepts sign-ins
// through an identity provider that needs feature ("" for none), by the
// rule Authenticate applies to every such sign-in: a license without the
// feature refuses it (license_required). A sign-in page asks first, so as
// not to send someone through their provider only to be refused on return.
func (a *Admin) SignInLicensed(feature string) error {
	if feature == "" || a.cfg.License.Has(feature) {
		return nil
	}
	return a.cfg.License.Require(feature, a.cfg.Clock.Now())
}
