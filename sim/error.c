/* The loansim error domain. */
#include "sim/error.h"

G_DEFINE_QUARK(loansim-error-quark, loansim_error)
