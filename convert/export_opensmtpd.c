/* placeholder */
#include "config.h"
#include "export.h"
int
export_opensmtpd(struct exp_doc *d, FILE *out, FILE *secrets,
    const char *secrets_path)
{
	(void)d; (void)out; (void)secrets; (void)secrets_path;
	return -1;
}
