# Vigil's crm (crmsh's commands over vigild) comes before crmsh's own /usr/sbin/crm, which it
# does not replace: scripts that need one or the other call it by its full path.
case ":${PATH}:" in
  *:/usr/lib/vigil/bin:*) ;;
  *) PATH="/usr/lib/vigil/bin:${PATH}"; export PATH ;;
esac
