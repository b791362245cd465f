from groupwork.core.loading_command import LoadDefinitionCommand, Loader
from groupwork.programmes.services import load_definition


class Command(LoadDefinitionCommand):
    help = "Checks a programme definition file and loads it as the programme's next version."
    noun = "definition"

    def loader(self) -> Loader:
        return load_definition
