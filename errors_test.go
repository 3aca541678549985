package cvm

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestErrorSentinels(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]error{
		4000: ErrInvalidParameter, 4100: ErrAuth, 4104: ErrAuth, 4105: ErrAuth, 4110: ErrAuth,
		4200: ErrExpired, 4300: ErrForbidden, 4400: ErrQuotaExceeded, 4500: ErrReplay, 4600: ErrProtocol,
		5000: ErrNotFound, 5100: ErrOperationFailed, 5200: ErrPurchaseFailed, 5300: ErrPurchaseFailed,
		5400: ErrPartialFailure, 6000: ErrInternal, 6100: ErrUnsupportedAction, 6200: ErrUnavailable,
	} {
		err := fmt.Errorf("wrapped: %w", &APIError{Action: "A", Code: code})
		assert.ErrorIs(t, err, want, "code %d", code)
		assert.NotErrorIs(t, err, ErrBadResponse, "code %d", code)
	}
	assert.NotErrorIs(t, &APIError{Code: 7001}, ErrNotFound)
}
