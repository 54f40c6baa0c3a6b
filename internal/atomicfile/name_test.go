package atomicfile

import "testing"

func TestSafeName(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"dev", "dev"},
		{"us-east-1_Abc.client_1", "us-east-1_Abc.client_1"},
		{"../../etc/passwd", "_.._etc_passwd"},
		{"..", "_"},
		{".hidden", "hidden"},
		{"a/b\\c d", "a_b_c_d"},
		{"é", "_"},
	} {
		if got := SafeName(tc.key); got != tc.want {
			t.Errorf("SafeName(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
}
