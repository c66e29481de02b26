# Type stubs of the `funnel` package: the public names, re-exported from the modules that
# define them (typed in their sources), and `load`.
import os
from typing import Union

from .errors import Diagnostic as Diagnostic
from .errors import FunnelError as FunnelError
from .errors import InputError as InputError
from .errors import Label as Label
from .errors import LeadError as LeadError
from .errors import PolicyError as PolicyError
from .policy import Decisions as Decisions
from .policy import Policy as Policy
from .policy import ReportPart as ReportPart
from .policy import Scored as Scored
from .policy import Stamp as Stamp
from .policy import engine_clock as engine_clock

def load(path: Union[str, os.PathLike[str]]) -> Policy: ...

__all__: list[str]
