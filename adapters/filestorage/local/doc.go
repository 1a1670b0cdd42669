// Package local implements commands.FileStorage over a directory of the
// local disk (by default DATA_DIR/storage). Every path is opened through an
// os.Root, so no path, and no symbolic link met on the way, leads outside
// the directory; writes go to a temporary file in the target's folder that
// is then renamed over the target.
package local
